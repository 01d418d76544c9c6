"""WCC Assurance Tracker: World Class Commissioning self-assessment, sign-off and review."""
