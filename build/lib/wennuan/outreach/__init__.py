"""访民问暖 outreach visits and their plans of items tracked to done (issue 8)."""
