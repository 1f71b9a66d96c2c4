"""The built-in question sets and filler list (TOML), shipped inside the package as
``mockvoice.prompts``: the wheel maps this folder there (pyproject.toml)."""
