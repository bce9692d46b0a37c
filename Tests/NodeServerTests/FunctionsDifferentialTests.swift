import Testing

/// Functions on redis-server 7.0.15 and on the engine, RESP2 and RESP3,
/// replies compared byte for byte: FUNCTION LOAD's metadata and every
/// refusal of redis.register_function, what a library sees while it loads
/// and what its functions see when they run, FCALL and FCALL_RO with their
/// flags, LIST, STATS, DELETE, FLUSH and RESTORE's refusals.
@Suite struct FunctionsDifferentialTests {
    static let loading = """
        FUNCTION FLUSH
        FUNCTION LOAD "no shebang"
        FUNCTION LOAD "#!lua\\nreturn 1"
        FUNCTION LOAD "#!lua name=x"
        FUNCTION LOAD "#!lua name=x foo=bar\\n"
        FUNCTION LOAD "#!lua name=x name=y\\n"
        FUNCTION LOAD "#!lua name=x-y\\n"
        FUNCTION LOAD "#!js name=x\\n"
        FUNCTION LOAD "#!LUA name=x\\nredis.register_function('a', function() return 1 end)"
        FUNCTION LOAD "#!lua name=x\\nredis.register_function('a2', function() return 1 end)"
        FUNCTION LOAD "#!lua name=y\\n"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function('a', function() return 1 end)"
        FUNCTION LOAD "#!lua name=y\\nlocal a = string.len('x')"
        FUNCTION LOAD "#!lua name=y\\nredis.call('ping')"
        FUNCTION LOAD "#!lua name=y\\nerror('boom')"
        FUNCTION LOAD "#!lua name=y\\nerror({err='-MY boom'})"
        FUNCTION LOAD "#!lua name=y\\nfoo = 1"
        FUNCTION LOAD "#!lua name=y\\nlocal x = 1 +"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function()"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function('a')"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function('a', 'b', 'c')"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function(1, function() end)"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function({}, function() end)"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function('a-b', function() end)"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function('test\\\\0test', function() end)"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function('x')"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function{function_name='c', callback=function() return 1 end, flags={'bad'}}"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function{function_name='c', callback=function() return 1 end, flags='no-writes'}"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function{function_name='c', callback=1}"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function{function_name='c'}"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function{callback=function() end}"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function{function_name='c', callback=function() end, foo=1}"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function{function_name={}, callback=function() end}"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function{function_name='c', description={}, callback=function() end}"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function('c', function() end)\\nredis.register_function('c', function() end)"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function('c', function() end)\\nredis.register_function('A', function() end)"
        FUNCTION LOAD "#!lua name=y\\nredis.register_function{function_name='b', callback=function() return 1 end, flags={'no-writes','ALLOW-OOM'}, description='d'}"
        FUNCTION LOAD "#!lua name=z\\nredis.log(redis.LOG_WARNING, 'hi') redis.register_function('zz', function() return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM} end)"
        FUNCTION LOAD "#!lua name=w\\nredis.register_function('ww', function() return 1 end) error('after')"
        FCALL ww 0
        # Libraries come in the order of redis-server's dictionary: compared as lines.
        ~ FUNCTION LIST
        ~ FUNCTION LIST WITHCODE
        FUNCTION LIST LIBRARYNAME y
        FUNCTION LIST LIBRARYNAME Y*
        FUNCTION LIST LIBRARYNAME
        FUNCTION LIST foo
        FUNCTION LIST WITHCODE WITHCODE
        FUNCTION STATS
        FUNCTION
        FUNCTION LOAD
        FUNCTION LOAD REPLACE
        FUNCTION LOAD FOO x
        FUNCTION LOAD "#!lua name=y\\nredis.register_function('b2', function() return 2 end)"
        FUNCTION LOAD REPLACE "#!lua name=y\\nredis.register_function('a', function() return 2 end)"
        FUNCTION LOAD REPLACE "#!lua name=y\\nredis.register_function('b2', function() return 2 end)"
        FCALL b 0
        FCALL b2 0
        FUNCTION DELETE y
        FUNCTION DELETE y
        FUNCTION DELETE
        FCALL b2 0
        FUNCTION FLUSH foo
        FUNCTION FLUSH sync x
        FUNCTION FLUSH ASYNC
        FUNCTION LIST
        """

    static let running = """
        FUNCTION FLUSH
        FUNCTION LOAD "#!lua name=lib1\\nredis.register_function('f1', function(keys, args) return redis.call('incr', keys[1]) end)"
        FCALL f1 1 k
        FCALL F1 1 k
        FCALL_RO f1 1 k
        FCALL nope 0
        FCALL f1 x
        FCALL f1 2 k
        FCALL f1 -1
        FCALL
        FUNCTION LOAD "#!lua name=r\\nredis.register_function('g', function(keys, args) return {keys[1], args[1], #keys, #args} end)"
        FCALL g 1 a b
        FCALL g 0
        FUNCTION LOAD "#!lua name=r1\\nredis.register_function('gk', function() return KEYS end)"
        FCALL gk 1 a
        FUNCTION LOAD "#!lua name=r2\\nredis.register_function('h', function(keys, args) error('inside') end)"
        FCALL h 0
        FUNCTION LOAD "#!lua name=r3\\nredis.register_function('i', function(keys, args) return redis.call('nosuch') end)"
        FCALL i 0
        FUNCTION LOAD "#!lua name=r4\\nredis.register_function('j', function(keys, args) x = 1 end)"
        FCALL j 0
        FUNCTION LOAD "#!lua name=r5\\nredis.register_function('k', function(keys, args) return y end)"
        FCALL k 0
        FUNCTION LOAD "#!lua name=r6\\nredis.register_function('l', function(keys, args) return redis.register_function('m', function() end) end)"
        FCALL l 0
        FUNCTION LOAD "#!lua name=r7\\nredis.register_function{function_name='ro', callback=function(keys, args) return redis.call('set', keys[1], 'v') end, flags={'no-writes'}}"
        FCALL ro 1 x
        FCALL_RO ro 1 x
        FUNCTION LOAD "#!lua name=r8\\nredis.register_function('w', function(keys, args) return redis.call('set', keys[1], 'v') end)"
        FCALL_RO w 1 x
        FCALL w 1 x
        FUNCTION LOAD "#!lua name=r9\\nredis.register_function('dbg', function() return {type(redis.breakpoint), type(redis.debug), type(redis.replicate_commands), type(__redis__err__handler), type(redis.call), type(cjson)} end)"
        FCALL dbg 0
        FUNCTION LOAD "#!lua name=r10\\nredis.register_function('rnd', function() return {math.random(100), string.format('%d', 5)} end)"
        FCALL rnd 0
        FUNCTION LOAD "#!lua name=r11\\nlocal count = 0\\nredis.register_function('counter', function() count = count + 1 return count end)"
        FCALL counter 0
        FCALL counter 0
        FUNCTION LOAD "#!lua name=r12\\nredis.register_function('resp', function() redis.setresp(3) return redis.call('hgetall', 'nokey') end)"
        FCALL resp 0
        FUNCTION LOAD "#!lua name=r13\\nredis.register_function('st', function() return redis.status_reply('FINE') end)\\nredis.register_function('er', function() return redis.error_reply('MINE bad') end)"
        FCALL st 0
        FCALL er 0
        FUNCTION KILL
        SCRIPT KILL
        FUNCTION RESTORE x
        FUNCTION RESTORE x y z
        FUNCTION RESTORE x bad
        FUNCTION RESTORE x append
        """

    @Test func loadingLibraries() async throws {
        try await DifferentialHarness.compare(["loading": Self.loading])
    }

    @Test func runningFunctions() async throws {
        try await DifferentialHarness.compare(["running": Self.running])
    }
}
