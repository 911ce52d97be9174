@_exported import NucleiTensor
