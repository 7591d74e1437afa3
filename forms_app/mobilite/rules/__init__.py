"""Pure domain rules of the mobilité area: no Flask, no database, plain data in and out."""
