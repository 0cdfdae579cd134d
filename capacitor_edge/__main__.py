from capacitor_edge.app.entry import main

raise SystemExit(main())
