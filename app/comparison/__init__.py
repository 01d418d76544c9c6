"""The comparison of an assessment with the PCT's previous finalised assessment."""
