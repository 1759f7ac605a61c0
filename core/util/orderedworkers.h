#pragma once

#include "util/batchqueue.h"
#include "util/threadname.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <thread>
#include <vector>

namespace cepheid {

// Threads for CPU-bound work that scales with cores (parsing, compressing, encoding): one per core, at least one, at
// most eight (past that, the import's single merging thread is the limit).
inline unsigned workerThreads()
{
    return std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
}

// Runs jobs on a few threads and hands their results back in the order the jobs were submitted, on the submitting
// thread (the one that owns an SQLite connection, say). At most `window` jobs are in flight: submitting the next
// first takes the oldest result when the window is full, which bounds the memory the jobs hold. A job's exception is
// rethrown where its result is taken. The threads end with the object, dropping what was not started.
template<typename Job, typename Result> class OrderedWorkers
{
public:
    using Work = std::function<Result(Job&)>;
    using Take = std::function<void(Result)>;

    // `makeWork` runs once per thread, on that thread, and returns its function: a thread may keep its own buffers.
    OrderedWorkers(unsigned threads, std::size_t window, const std::function<Work()>& makeWork)
        : m_window(std::max<std::size_t>(window, 1))
        , m_jobs(m_window)
    {
        try {
            for (unsigned t = 0; t < std::max(threads, 1u); ++t)
                m_threads.emplace_back([this, makeWork] { run(makeWork); });
        } catch (...) {
            stop(); // a thread that could not start: the ones that did must not wait on the queue forever
            throw;
        }
    }
    ~OrderedWorkers() { stop(); }
    OrderedWorkers(const OrderedWorkers&) = delete;
    OrderedWorkers& operator=(const OrderedWorkers&) = delete;

    // Hands the results already finished to `take`, then waits for the oldest while the window is full, and queues
    // the job.
    void submit(Job job, const Take& take)
    {
        takeReady(take);
        while (m_inFlight.size() >= m_window)
            takeOldest(take);
        Queued queued { std::move(job), {} };
        m_inFlight.push_back(queued.done.get_future());
        m_jobs.push(std::move(queued));
    }

    // Hands every remaining result to `take`, in order.
    void drain(const Take& take)
    {
        while (!m_inFlight.empty())
            takeOldest(take);
    }

private:
    struct Queued
    {
        Job job;
        std::promise<Result> done;
    };

    void run(const std::function<Work()>& makeWork)
    {
        nameThisThread("cepheid-worker");
        Work work;
        std::exception_ptr broken; // a thread that could not make its function fails the jobs it takes
        try {
            work = makeWork();
        } catch (...) {
            broken = std::current_exception();
        }
        while (auto queued = m_jobs.pop()) {
            try {
                if (broken)
                    std::rethrow_exception(broken);
                queued->done.set_value(work(queued->job));
            } catch (...) {
                queued->done.set_exception(std::current_exception());
            }
        }
    }
    void stop()
    {
        m_jobs.abandon();
        for (std::jthread& thread : m_threads)
            if (thread.joinable())
                thread.join();
    }
    void takeOldest(const Take& take)
    {
        std::future<Result> oldest = std::move(m_inFlight.front());
        m_inFlight.pop_front();
        take(oldest.get());
    }
    void takeReady(const Take& take)
    {
        while (!m_inFlight.empty() && m_inFlight.front().wait_for(std::chrono::seconds(0)) == std::future_status::ready)
            takeOldest(take);
    }

    std::size_t m_window;
    BatchQueue<Queued> m_jobs;
    std::deque<std::future<Result>> m_inFlight;
    std::vector<std::jthread> m_threads; // last: they end before the queue they read
};

} // namespace cepheid
