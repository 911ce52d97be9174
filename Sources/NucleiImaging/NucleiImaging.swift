// NucleiImaging
