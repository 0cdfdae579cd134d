"""The frozen executable's entry point (the same as ``python -m capacitor_edge``)."""

from capacitor_edge.app.entry import main

raise SystemExit(main())
