// NucleiAnalysis
