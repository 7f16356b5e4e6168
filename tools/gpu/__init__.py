"""The device kit: what a lent GPU measures of the models themselves."""
