/// Adam (Kingma & Ba, 2015) with the Keras defaults and Keras's update rule:
///
///     m = m + (g - m) * (1 - beta1);  v = v + (g² - v) * (1 - beta2)
///     alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
///     p = p - alpha * m / (sqrt(v) + epsilon)
///
/// (epsilon outside the bias correction, as Keras; the PyTorch form differs slightly).
public final class Adam {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    /// Steps taken so far (t).
    public private(set) var step: Int = 0
    /// First and second moments, keyed like the parameters.
    public private(set) var firstMoments: [ObjectIdentifier: Tensor] = [:]
    public private(set) var secondMoments: [ObjectIdentifier: Tensor] = [:]

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Applies one update to every parameter that has a gradient, then clears the gradients.
    public func update(_ parameters: [Variable]) {
        step += 1
        let t = Float(step)
        let alpha = learningRate * (1 - pow(beta2, t)).squareRoot() / (1 - pow(beta1, t))
        let (b1, b2, eps) = (beta1, beta2, epsilon)
        for parameter in parameters {
            guard let gradient = parameter.gradient else { continue }
            let key = ObjectIdentifier(parameter)
            var m = firstMoments[key] ?? Tensor(shape: parameter.shape)
            var v = secondMoments[key] ?? Tensor(shape: parameter.shape)
            firstMoments[key] = nil
            secondMoments[key] = nil
            gradient.withUnsafeBufferPointer { g in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        parameter.value.withUnsafeMutableBufferPointer { p in
                            for index in 0..<p.count {
                                let gradient = g[index]
                                m[index] += (gradient - m[index]) * (1 - b1)
                                v[index] += (gradient * gradient - v[index]) * (1 - b2)
                                p[index] -= alpha * m[index] / (v[index].squareRoot() + eps)
                            }
                        }
                    }
                }
            }
            firstMoments[key] = m
            secondMoments[key] = v
            parameter.gradient = nil
        }
    }

    /// The moments of `parameter` (for checkpoints), if it has been updated.
    public func moments(of parameter: Variable) -> (first: Tensor, second: Tensor)? {
        let key = ObjectIdentifier(parameter)
        guard let first = firstMoments[key], let second = secondMoments[key] else { return nil }
        return (first, second)
    }

    /// Restores moments and the step count (from a checkpoint).
    public func restore(step: Int, moments: [(Variable, Tensor, Tensor)]) {
        self.step = step
        for (parameter, first, second) in moments {
            precondition(first.shape == parameter.shape && second.shape == parameter.shape, "moment shapes for \(parameter.shape)")
            firstMoments[ObjectIdentifier(parameter)] = first
            secondMoments[ObjectIdentifier(parameter)] = second
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
