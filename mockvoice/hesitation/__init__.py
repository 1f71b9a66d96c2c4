"""hesitation"""
