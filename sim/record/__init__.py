"""The historical record as targets (`targets/record.toml`), and scoring a model run against them."""
