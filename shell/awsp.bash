# awsp integration (bash) — placeholder
