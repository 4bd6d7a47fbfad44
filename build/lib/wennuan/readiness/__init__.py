"""Season readiness: checklists per substation and source, fuel stock, training (issue 8)."""
