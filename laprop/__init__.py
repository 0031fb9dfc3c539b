"""laprop: the LaProp optimizer (Ziyin, Wang & Ueda) and its peer Adai for PyTorch."""
