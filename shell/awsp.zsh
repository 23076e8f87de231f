# awsp integration (zsh) — placeholder
