// The Gate module; its types arrive with their issue.
