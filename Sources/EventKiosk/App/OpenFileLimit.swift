import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every connection and live stream holds a file descriptor; the usual soft limit of 1,024 is reached by a few
/// hundred screens. At start the soft limit is raised as far as the hard limit allows (at most 65,536), and logged.
enum OpenFileLimit {
    static func raise(logger: Logger, wanted: rlim_t = 65_536) {
        var limit = rlimit()
        #if canImport(Glibc)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return }
        let before = limit.rlim_cur
        let target = min(wanted, limit.rlim_max)
        if target > before {
            limit.rlim_cur = target
            if setrlimit(resource, &limit) != 0 { limit.rlim_cur = before }
        }
        logger.notice("open files: soft limit \(before) → \(limit.rlim_cur) (hard \(limit.rlim_max))")
    }
}
