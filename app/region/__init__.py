"""The SHA's region: every PCT of one SHA in one cycle on one page."""
