"""The two ways people use Passerelle: the web app and the batch script."""
