"""What a plan costs and saves, phase by phase (issue 14): computed once here, read by the
CLI, the window and the reports."""
