// NucleiFigures
