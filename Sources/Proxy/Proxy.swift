// The Proxy module; its types arrive with their issue.
