import CCurl
import Foundation

/// The fetcher thread: schedules waiting jobs under the caps and rates, drives curl multi, and
/// turns finished transfers into results or retries. Everything here runs on that one thread.
final class FetcherLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let configuration: FetcherConfiguration
    private let shared: FetcherShared
    private var waiting: [FetchJob] = []
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private var activePerHost: [String: Int] = [:]
    private var nextStart: [String: ContinuousClock.Instant] = [:]

    init(multi: UnsafeMutableRawPointer, configuration: FetcherConfiguration, shared: FetcherShared) {
        self.multi = multi
        self.configuration = configuration
        self.shared = shared
        xp_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxConcurrent)
        xp_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxPerHost)
        xp_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        xp_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(configuration.maxConcurrent, 16))
    }

    func run() {
        while true {
            let (jobs, cancelled, stopped) = shared.drain()
            waiting.append(contentsOf: jobs)
            if stopped { break }
            if !cancelled.isEmpty { cancel(cancelled) }
            start()
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let msg = curl_multi_info_read(multi, &left) {
                guard msg.pointee.msg == CURLMSG_DONE, let easy = msg.pointee.easy_handle else { continue }
                finish(easy, result: xp_msg_result(msg))
            }
            curl_multi_poll(multi, nil, 0, pollTimeoutMs(), nil)
        }
        for (easy, transfer) in active { release(easy, transfer) }
        active = [:]
        for job in waiting { job.continuation.resume(returning: .failure(.cancelled)) }
        waiting = []
        for job in shared.drain().jobs { job.continuation.resume(returning: .failure(.cancelled)) }
        curl_multi_cleanup(multi)
    }

    private func pollTimeoutMs() -> Int32 {
        let now = ContinuousClock.now
        var wait: Duration = .milliseconds(active.isEmpty ? 1000 : 100)
        for job in waiting where job.notBefore > now { wait = min(wait, job.notBefore - now) }
        if waiting.contains(where: { $0.notBefore <= now && (nextStart[$0.host] ?? now) > now }) {
            for (_, t) in nextStart where t > now { wait = min(wait, t - now) }
        }
        let ms = wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000
        return Int32(max(1, min(1000, ms)))
    }

    private func cancel(_ ids: Set<UInt64>) {
        waiting.removeAll { job in
            guard ids.contains(job.id) else { return false }
            job.continuation.resume(returning: .failure(.cancelled))
            return true
        }
        for (easy, transfer) in active where ids.contains(transfer.job.id) {
            active[easy] = nil
            activePerHost[transfer.job.host, default: 1] -= 1
            release(easy, transfer)
            transfer.job.continuation.resume(returning: .failure(.cancelled))
        }
    }

    /// Starts waiting jobs in arrival order while the caps, rates and backoffs allow.
    private func start() {
        guard !waiting.isEmpty, active.count < configuration.maxConcurrent else { return }
        let now = ContinuousClock.now
        var kept: [FetchJob] = []
        kept.reserveCapacity(waiting.count)
        for job in waiting {
            guard active.count < configuration.maxConcurrent, job.notBefore <= now,
                  activePerHost[job.host, default: 0] < configuration.maxPerHost,
                  (nextStart[job.host] ?? now) <= now
            else {
                kept.append(job)
                continue
            }
            if configuration.perHostRate > 0 {
                nextStart[job.host] = now + .nanoseconds(Int64(1e9 / configuration.perHostRate))
            }
            begin(job)
        }
        waiting = kept
    }

    private func begin(_ job: FetchJob) {
        job.attempts += 1
        guard let easy = curl_easy_init() else {
            job.continuation.resume(returning: .failure(.curl(code: -1, message: "curl_easy_init failed")))
            return
        }
        let c = configuration
        let t = Transfer(job: job, easy: easy, cap: c.maxBodyBytes, addressGuard: c.addressGuard)
        let user = Unmanaged.passUnretained(t).toOpaque()
        xp_easy_setopt_string(easy, CURLOPT_URL, job.url)
        xp_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https")
        xp_easy_setopt_string(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        xp_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1)
        xp_easy_setopt_long(easy, CURLOPT_MAXREDIRS, c.maxRedirects)
        xp_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(c.connectTimeout * 1000))
        xp_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Int(c.totalTimeout * 1000))
        xp_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        xp_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        xp_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(c.maxBodyBytes))
        xp_easy_setopt_string(easy, CURLOPT_USERAGENT, c.userAgent)
        if let noProxy = c.noProxy { xp_easy_setopt_string(easy, CURLOPT_NOPROXY, noProxy) }
        t.headers = curl_slist_append(nil, "Accept: image/avif,image/webp,image/png,image/jpeg,image/*;q=0.8,*/*;q=0.5")
        xp_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, t.headers)
        xp_easy_setopt_write(easy, CURLOPT_WRITEFUNCTION, CurlCallbacks.write)
        xp_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, user)
        xp_easy_setopt_write(easy, CURLOPT_HEADERFUNCTION, CurlCallbacks.header)
        xp_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, user)
        xp_easy_setopt_opensocket(easy, CurlCallbacks.openSocket)
        xp_easy_setopt_pointer(easy, CURLOPT_OPENSOCKETDATA, user)
        active[easy] = t
        activePerHost[job.host, default: 0] += 1
        curl_multi_add_handle(multi, easy)
    }

    private func release(_ easy: UnsafeMutableRawPointer, _ t: Transfer) {
        curl_multi_remove_handle(multi, easy)
        curl_easy_cleanup(easy)
        curl_slist_free_all(t.headers)
        t.headers = nil
    }

    private func finish(_ easy: UnsafeMutableRawPointer, result: CURLcode) {
        guard let t = active.removeValue(forKey: easy) else { return }
        let job = t.job
        activePerHost[job.host, default: 1] -= 1
        if activePerHost[job.host] == 0 { activePerHost[job.host] = nil }
        var status = 0
        var redirects = 0
        var effective: UnsafeMutablePointer<CChar>?
        var ip: UnsafeMutablePointer<CChar>?
        xp_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        xp_easy_getinfo_long(easy, CURLINFO_REDIRECT_COUNT, &redirects)
        xp_easy_getinfo_string(easy, CURLINFO_EFFECTIVE_URL, &effective)
        xp_easy_getinfo_string(easy, CURLINFO_PRIMARY_IP, &ip)
        let effectiveURL = effective.map { String(cString: $0) } ?? job.url
        let remote = ip.map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
        release(easy, t)

        let outcome: Result<FetchResponse, CrawlError>
        if result == CURLE_OK {
            outcome = .success(FetchResponse(
                url: job.url, effectiveURL: effectiveURL, status: status, contentType: t.contentType,
                xRobotsTags: t.xRobotsTags, body: t.body, attempts: job.attempts, redirects: redirects, remoteAddress: remote))
        } else {
            outcome = .failure(error(result, t))
        }
        // Retry 429/5xx and transient transport failures, honouring Retry-After.
        let retryable: Bool
        switch outcome {
        case .success(let r): retryable = r.status == 429 || (500...599).contains(r.status)
        case .failure(let e): retryable = e.isRetryable
        }
        if retryable, job.attempts <= configuration.retries {
            let exp = min(configuration.maxBackoff, configuration.backoffBase * pow(2, Double(job.attempts - 1)))
            var delay = exp * Double.random(in: 0.5...1.0)
            if let ra = t.retryAfter.flatMap({ RetryAfter.seconds($0) }) {
                if ra > configuration.maxBackoff {
                    job.continuation.resume(returning: outcome)
                    return
                }
                delay = max(delay, ra)
            }
            job.notBefore = .now + .milliseconds(Int64(delay * 1000))
            waiting.append(job)
            return
        }
        job.continuation.resume(returning: outcome)
    }

    private func error(_ code: CURLcode, _ t: Transfer) -> CrawlError {
        if let r = t.refusal { return .addressRefused(r) }
        if t.overCap { return .bodyTooLarge(configuration.maxBodyBytes) }
        if let w = t.wrongType { return .wrongContentType(w) }
        let message = String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_FILESIZE_EXCEEDED: return .bodyTooLarge(configuration.maxBodyBytes)
        case CURLE_OPERATION_TIMEDOUT: return .timeout(message)
        case CURLE_TOO_MANY_REDIRECTS: return .tooManyRedirects(configuration.maxRedirects)
        case CURLE_UNSUPPORTED_PROTOCOL: return .schemeRefused(message)
        case CURLE_URL_MALFORMAT: return .invalidURL(message)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE,
             CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_SSL_CONNECT_ERROR:
            return .connection(message)
        default: return .curl(code: Int(code.rawValue), message: message)
        }
    }
}
