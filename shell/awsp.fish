# awsp integration (fish) — placeholder
