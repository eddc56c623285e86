#!/usr/bin/env python3
"""Writes tiny_state_dict.bin: a file in the layout torch.save uses (zip archive holding archive/data.pkl,
pickle protocol 2, plus one raw little-endian file per storage under archive/data/<key>) WITHOUT torch.

There is no torch on the build machine, so the torch classes the pickle refers to are emulated by fake
modules named like torch's (pickle records only module + name). The tensors and their expected values are
documented next to each entry and checked by TorchBinWeightsTest.
Run: python3 make_fixture.py (writes next to this script).
"""
import collections
import os
import pickle
import struct
import sys
import types
import zipfile

torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
sys.modules["torch"] = torch
sys.modules["torch._utils"] = torch_utils
torch._utils = torch_utils


def _make_storage_type(name):
    cls = type(name, (), {})
    cls.__module__ = "torch"
    cls.__qualname__ = name
    setattr(torch, name, cls)
    return cls


FloatStorage = _make_storage_type("FloatStorage")
HalfStorage = _make_storage_type("HalfStorage")
BFloat16Storage = _make_storage_type("BFloat16Storage")
LongStorage = _make_storage_type("LongStorage")


def _rebuild_tensor_v2(*args):
    raise RuntimeError("only for pickling")


def _rebuild_parameter(*args):
    raise RuntimeError("only for pickling")


_rebuild_tensor_v2.__module__ = "torch._utils"
_rebuild_parameter.__module__ = "torch._utils"
torch_utils._rebuild_tensor_v2 = _rebuild_tensor_v2
torch_utils._rebuild_parameter = _rebuild_parameter


class Storage:
    def __init__(self, key, storage_type, data, numel):
        self.key, self.storage_type, self.data, self.numel = key, storage_type, data, numel


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, size, stride

    def __reduce__(self):
        return (_rebuild_tensor_v2, (self.storage, self.offset, tuple(self.size), tuple(self.stride), False,
                                     collections.OrderedDict()))


class Parameter:
    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce__(self):
        return (_rebuild_parameter, (self.tensor, True, collections.OrderedDict()))


class TorchLikePickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.storage_type, obj.key, "cpu", obj.numel)
        return None


def f32(values):
    return struct.pack("<%df" % len(values), *values)


def main():
    # storage 0: 12 floats 0..11, shared by three tensors
    s0 = Storage("0", FloatStorage, f32([float(i) for i in range(12)]), 12)
    # storage 1: float16 [1.5, -2.0, 0.25, 65504]
    s1 = Storage("1", HalfStorage, struct.pack("<4e", 1.5, -2.0, 0.25, 65504.0), 4)
    # storage 2: bfloat16 of 3.0, -0.5 (top 16 bits of the float32 patterns)
    bf = b"".join(struct.pack("<H", struct.unpack("<I", struct.pack("<f", v))[0] >> 16) for v in (3.0, -0.5))
    s2 = Storage("2", BFloat16Storage, bf, 2)
    # storage 3: int64 [7, -1, 1 << 40]
    s3 = Storage("3", LongStorage, struct.pack("<3q", 7, -1, 1 << 40), 3)

    sd = collections.OrderedDict()
    sd["layer.weight"] = Parameter(Tensor(s0, 0, [3, 4], [4, 1]))     # [[0..3],[4..7],[8..11]]
    sd["layer.weight_t"] = Tensor(s0, 0, [4, 3], [1, 4])              # transpose view: [[0,4,8],[1,5,9],...]
    sd["layer.bias"] = Tensor(s0, 8, [4], [1])                        # offset view: [8, 9, 10, 11]
    sd["half"] = Tensor(s1, 0, [2, 2], [2, 1])
    sd["bf16"] = Tensor(s2, 0, [2], [1])
    sd["ids"] = Tensor(s3, 0, [3], [1])
    sd["scalar"] = Tensor(s0, 5, [], [])                              # 0-dim: 5.0
    sd._metadata = collections.OrderedDict([("", {"version": 1}), ("layer", {"version": 1})])

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny_state_dict.bin")
    import io
    buf = io.BytesIO()
    TorchLikePickler(buf, protocol=2).dump(sd)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", buf.getvalue())
        z.writestr("archive/byteorder", "little")
        for s in (s0, s1, s2, s3):
            z.writestr("archive/data/" + s.key, s.data)
        z.writestr("archive/version", "3\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
