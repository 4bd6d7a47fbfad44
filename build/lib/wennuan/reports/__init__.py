"""The bureau's supervision dashboard, rates, rankings and weekly report (issue 8)."""
