"""Domain rules as plain functions over the models, free of request handling."""
