# awsp integration (ps1) — placeholder
