from mockvoice.cli import main

raise SystemExit(main())
