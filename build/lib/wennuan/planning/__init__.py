"""Weather, meter history and daily heat plans: the only Django code that imports heatphys (design §6, issue 7)."""
