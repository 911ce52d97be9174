@_exported import NucleiAnalysis
@_exported import NucleiImaging
@_exported import NucleiNN
@_exported import NucleiFigures
