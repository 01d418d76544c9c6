"""Governance: the board's grip on strategy, finance and itself, rated red, amber or green
by the PCT and by the SHA."""
