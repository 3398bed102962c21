"""Seeds the demo editions. It sits above every other app: it imports them all and nothing imports it."""
