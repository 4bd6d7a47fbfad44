"""Public information: FAQ, fee standards, safety, notices and the Atom feed (issue 8)."""
