"""What the pages share: URL-bound controls, cached runners, chart builders and page sections."""
