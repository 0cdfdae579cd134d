from capacitor_edge.app.cli import main

raise SystemExit(main())
