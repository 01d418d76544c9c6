"""Outcomes: the health measures a PCT chose, with where it started, where it aims to be each
year, and where it is."""
