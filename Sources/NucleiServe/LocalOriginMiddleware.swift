import Hummingbird

/// Keeps a loopback server private to this machine's own pages.
///
/// A web page from elsewhere, open in the user's browser, can still send requests to
/// 127.0.0.1: through a name it controls that resolves to 127.0.0.1 (DNS rebinding, which makes
/// the answers readable to it), or as a cross-site form post. The first carries the foreign name
/// in the Host header, the second in the Origin header; both are refused with 403. A server
/// started with another `--host` (reachable from other machines by choice) skips the check.
struct LocalOriginMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Host names (without port) that requests may name.
    let allowedHosts: Set<String>

    init(configuredHost: String) {
        allowedHosts = ["127.0.0.1", "localhost", "::1", configuredHost.lowercased()]
    }

    /// Whether `host` (a configured `--host`) is a loopback address, for which the check applies.
    static func isLoopback(_ host: String) -> Bool {
        ["127.0.0.1", "localhost", "::1"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let authority = request.head.authority, !allowedHosts.contains(Self.hostName(authority)) {
            return SegmentationServer.errorResponse(
                "requests must name this machine (127.0.0.1 or localhost), not '\(authority)'; start with --host to serve other names", status: 403)
        }
        if let origin = request.headers[.origin], origin != "null" {
            let authority = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? origin
            if !allowedHosts.contains(Self.hostName(authority)) {
                return SegmentationServer.errorResponse("requests from pages of '\(origin)' are refused: only this server's own page may use it", status: 403)
            }
        }
        return try await next(request, context)
    }

    /// The host of `host[:port]` or `[v6]:port`, lower-cased.
    static func hostName(_ authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            return String(authority[authority.index(after: authority.startIndex)..<end]).lowercased()
        }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        return (parts.count == 2 ? String(parts[0]) : authority).lowercased()
    }
}
