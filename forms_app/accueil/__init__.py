"""The home page of the app: the services a person can reach, by role."""
