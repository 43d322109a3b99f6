"""What the contract tests share: stubs generated from proto/ at test time, free loopback ports,
tokens from okr-token, a service binary started and stopped, and calls that read the rich error
details (google.rpc.ErrorInfo, google.rpc.BadRequest) of grpc-status-details-bin.

Needs Debian's python3-grpcio and python3-protobuf, protoc and grpc_python_plugin. Reads
OKR_BUILD_DIR (the binaries are in $OKR_BUILD_DIR/bin) and OKR_SOURCE_DIR (for proto/).
"""

import glob
import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import grpc

SOURCE_DIR = os.environ.get(
    "OKR_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD_DIR = os.environ.get("OKR_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
BIN_DIR = os.path.join(BUILD_DIR, "bin")

JWT_ENV = {
    "OKR_JWT_SECRET": "contract-secret-0123456789abcdef0123456789",
    "OKR_JWT_ISSUER": "okr-contract",
    "OKR_JWT_AUDIENCE": "okr-suite",
}


def generate_stubs(out_dir, patterns):
    """Runs protoc with the Python and gRPC Python plugins over proto/`patterns` and the Google
    protos every service uses, and makes the output importable."""
    protos = []
    for pattern in list(patterns) + ["google/rpc/*.proto", "google/type/*.proto"]:
        protos += sorted(
            os.path.relpath(p, SOURCE_DIR)
            for p in glob.glob(os.path.join(SOURCE_DIR, "proto", pattern)))
    os.makedirs(out_dir, exist_ok=True)
    subprocess.run(
        ["protoc", "-I", "proto", "--python_out=" + out_dir, "--grpc_out=" + out_dir,
         "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin"] + protos,
        cwd=SOURCE_DIR, check=True)
    sys.path.insert(0, out_dir)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mint_token(tenant, subject, roles=()):
    command = [os.path.join(BIN_DIR, "okr-token"), "--tenant", tenant, "--subject", subject,
               "--ttl", "30m"]
    if roles:
        command += ["--roles", ",".join(roles)]
    result = subprocess.run(command, env=dict(os.environ, **JWT_ENV), check=True,
                            capture_output=True, text=True)
    return result.stdout.strip()


class Service:
    """One service binary (`okr-<name>`) on a free loopback port, its log in `tmp`."""

    def __init__(self, name, tmp, args):
        self.name = name
        self.port = free_port()
        self.address = "127.0.0.1:%d" % self.port
        self.log_path = os.path.join(tmp, name + ".log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [os.path.join(BIN_DIR, "okr-" + name), "--listen", self.address,
             "--db", os.path.join(tmp, name + ".db"), "--drain-period", "0s"] + list(args),
            env=dict(os.environ, **JWT_ENV), stdout=self.log, stderr=subprocess.STDOUT)
        self.channel = grpc.insecure_channel(self.address)

    def wait_serving(self, timeout_s=30):
        # grpc.health.v1.Health/Check by hand: the empty request is zero bytes, and SERVING (1) in
        # field 1 is the two bytes 08 01. (Generated health stubs would live in a `grpc` package,
        # which the grpc library itself shadows.)
        check = self.channel.unary_unary("/grpc.health.v1.Health/Check",
                                         request_serializer=lambda b: b,
                                         response_deserializer=lambda b: b)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if check(b"", timeout=2, wait_for_ready=True) == b"\x08\x01":
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.05)
        raise RuntimeError("okr-%s did not become SERVING:\n%s" % (self.name, self.tail()))

    def tail(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")[-5000:]

    def stop(self):
        self.channel.close()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        if self.process.returncode not in (0, -signal.SIGTERM):
            sys.stderr.write(self.tail())


class ContractTestCase(unittest.TestCase):
    """Services for the whole class (the subclass's `start` calls `serve`), calls with a bearer
    token (`self.admin` unless another is given) and their error details."""

    status_pb = None
    details_pb = None
    tmp = None
    servers = []

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="okr-contract-")
        cls.servers = []
        try:
            cls.start()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for server in reversed(cls.servers):
            server.stop()
        cls.servers = []
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def start(cls):
        raise NotImplementedError

    @classmethod
    def serve(cls, name, args=()):
        """Starts okr-<name> (stopped with the class) and waits until it is SERVING."""
        server = Service(name, cls.tmp, args)
        cls.servers.append(server)
        server.wait_serving()
        return server

    @classmethod
    def import_error_protos(cls):
        cls.status_pb = importlib.import_module("google.rpc.status_pb2")
        cls.details_pb = importlib.import_module("google.rpc.error_details_pb2")

    def call(self, method, request, token=None):
        return method(request, metadata=[("authorization", "Bearer " + (token or self.admin))],
                      timeout=20)

    def call_error(self, method, request, token=None):
        """Calls a method that must fail; returns (code, ErrorInfo or None, BadRequest or None)."""
        with self.assertRaises(grpc.RpcError) as raised:
            self.call(method, request, token)
        error = raised.exception
        info = bad_request = None
        for key, value in error.trailing_metadata() or ():
            if key != "grpc-status-details-bin":
                continue
            status = self.status_pb.Status.FromString(value)
            self.assertEqual(status.code, error.code().value[0])
            for detail in status.details:
                if detail.Is(self.details_pb.ErrorInfo.DESCRIPTOR):
                    info = self.details_pb.ErrorInfo()
                    detail.Unpack(info)
                elif detail.Is(self.details_pb.BadRequest.DESCRIPTOR):
                    bad_request = self.details_pb.BadRequest()
                    detail.Unpack(bad_request)
        return error.code(), info, bad_request
