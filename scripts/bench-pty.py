"""Runs one command in a pseudo-terminal of a given size and follows a script of waits and keys.

Used by scripts/bench.js (no native node module needed). Input: one JSON argument
  {"argv": [...], "env": {...}, "cwd": "...", "cols": 80, "rows": 24, "timeout": 15,
   "steps": [{"wait": "Step 1 of", "mark": "first"}, {"waitRe": "v\\d", "timeout": 5, "optional": true},
             {"send": "\\r"}, {"quiet": 250, "count": true}, {"hwm": true}]}
Output: one JSON line {"marks": {name: ms since start}, "cpu": {name: CPU ms used by then}, "mainCpu": {name: main thread CPU ms}, "counts": [bytes...], "hwmKb": n, "error": ...}.
"""
import fcntl
import json
import os
import re
import select
import signal
import struct
import sys
import termios
import time

ANSI = re.compile(rb'\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])')


def main():
    spec = json.loads(sys.argv[1])
    deadline_s = spec.get('timeout', 15)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', spec.get('rows', 24), spec.get('cols', 80), 0, 0))
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(master)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            if slave > 2:
                os.close(slave)
            if spec.get('cwd'):
                os.chdir(spec['cwd'])
            os.execvpe(spec['argv'][0], spec['argv'], spec['env'])
        finally:
            os._exit(127)
    os.close(slave)

    result = {'marks': {}, 'counts': []}
    pending = b''  # output since the last key, for waits
    total = 0

    def read_some(timeout):
        nonlocal pending, total
        ready, _, _ = select.select([master], [], [], max(timeout, 0))
        if not ready:
            return None
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b''
        if not data:
            raise EOFError
        pending += data
        total += len(data)
        return data

    def cpu_ms():
        try:
            with open(f'/proc/{pid}/stat') as stat:
                fields = stat.read().rsplit(')', 1)[1].split()
            return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf('SC_CLK_TCK')
        except (OSError, IndexError, ValueError):
            return None

    def main_thread_cpu_ms():
        # The main thread's time on a CPU, in ns: the start-up's critical path, to the microsecond.
        try:
            with open(f'/proc/{pid}/task/{pid}/schedstat') as stat:
                return int(stat.read().split()[0]) / 1e6
        except (OSError, IndexError, ValueError):
            return None

    def status_kb(field):
        try:
            with open(f'/proc/{pid}/status') as status:
                for line in status:
                    if line.startswith(field + ':'):
                        return int(line.split()[1])
        except OSError:
            return None
        return None

    try:
        for step in spec['steps']:
            if 'wait' in step or 'waitRe' in step:
                # A plain text or a regular expression, looked for in the output since the last key, escapes removed.
                found = (lambda text: step['wait'].encode() in text) if 'wait' in step else re.compile(step['waitRe'].encode()).search
                wait_s = step.get('timeout', deadline_s)
                limit = time.monotonic() + wait_s
                seen = True
                while not found(ANSI.sub(b'', pending)):
                    if time.monotonic() > limit:
                        if step.get('optional'):
                            seen = False
                            break
                        raise TimeoutError(f'no "{step.get("wait", step.get("waitRe"))}" within {wait_s}s; last output: {ANSI.sub(b"", pending)[-300:]!r}')
                    read_some(limit - time.monotonic())
                if seen and 'mark' in step:
                    result['marks'][step['mark']] = (time.monotonic() - start) * 1000
                    # CPU time of the whole process so far (all threads): what a busy machine does
                    # not add to, unlike the wall-clock mark.
                    result.setdefault('cpu', {})[step['mark']] = cpu_ms()
                    result.setdefault('mainCpu', {})[step['mark']] = main_thread_cpu_ms()
            elif 'send' in step:
                pending = b''
                os.write(master, step['send'].encode())
            elif 'quiet' in step:
                # Read until nothing arrives for `quiet` ms; the bytes read are what the last key cost.
                before = total
                limit = time.monotonic() + deadline_s
                while read_some(step['quiet'] / 1000) is not None:
                    if time.monotonic() > limit:
                        raise TimeoutError('output never settled')
                if step.get('count'):
                    result['counts'].append(total - before)
            elif step.get('hwm'):
                result['hwmKb'] = status_kb('VmHWM')
                result['anonKb'] = status_kb('RssAnon')
    except (EOFError, TimeoutError) as error:
        result['error'] = str(error) or 'the program ended early; last output: ' + repr(ANSI.sub(b'', pending)[-300:])
    finally:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        os.waitpid(pid, 0)
        os.close(master)
    print(json.dumps(result))


main()
