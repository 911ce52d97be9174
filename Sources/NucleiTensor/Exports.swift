@_exported import NucleiBase
