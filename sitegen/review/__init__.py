"""What a reviewer of a pull request sees: two runs compared, a report of the runs a change adds, problems as annotations."""
