"""The obvious alternatives, written the way the Powertools documentation shows them."""
