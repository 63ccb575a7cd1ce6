"""Pure domain rules of Dukan: no database, no UI, standard library only."""
