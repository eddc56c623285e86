package dev.hart.model.checkpoint;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal, safe unpickler for PyTorch state dicts ({@code data.pkl} of a {@code torch.save} archive,
 * pickle protocol 2; the opcodes of protocols 3–5 that plain data uses are accepted too). It never
 * executes code: the only globals it accepts are the few a state dict refers to (OrderedDict, torch's
 * tensor rebuild functions and storage types); anything else fails with the global's name.
 */
final class TorchPickle {

    /** A storage referenced by a persistent id {@code ('storage', type, key, location, numel)}. */
    record StorageRef(String key, String dtype) {
    }

    /** A tensor view of a storage: {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)}. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
    }

    /** A global reference (module + name) pushed by GLOBAL / STACK_GLOBAL. */
    private record Global(String module, String name) {
        String full() {
            return module + "." + name;
        }
    }

    private static final Object MARK = new Object();

    private static final Map<String, String> STORAGE_DTYPES = Map.ofEntries(
            Map.entry("FloatStorage", "F32"), Map.entry("HalfStorage", "F16"), Map.entry("BFloat16Storage", "BF16"),
            Map.entry("DoubleStorage", "F64"), Map.entry("LongStorage", "I64"), Map.entry("IntStorage", "I32"),
            Map.entry("ShortStorage", "I16"), Map.entry("CharStorage", "I8"), Map.entry("ByteStorage", "U8"),
            Map.entry("BoolStorage", "BOOL"));

    private final ByteBuffer in;
    private final String source;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    private TorchPickle(byte[] data, String source) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
    }

    /** Unpickles a state dict: the result maps names to {@link TensorRef} (other values are dropped). */
    static Map<String, TensorRef> readStateDict(byte[] pickle, String source) {
        Object root = new TorchPickle(pickle, source).load();
        Map<String, TensorRef> out = new LinkedHashMap<>();
        collect(root, "", out, source);
        return out;
    }

    /** Tensors at the top level, or nested one level as {@code {"state_dict": {...}}} / {@code {"model": ...}}. */
    private static void collect(Object obj, String prefix, Map<String, TensorRef> out, String source) {
        if (!(obj instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(source + ": the pickle does not hold a dict of tensors but " + describe(obj));
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (e.getValue() instanceof TensorRef t && e.getKey() instanceof String k) {
                out.put(prefix + k, t);
            } else if (e.getValue() instanceof Map<?, ?> && e.getKey() instanceof String k && prefix.isEmpty()
                    && (k.equals("state_dict") || k.equals("model") || k.equals("module"))) {
                collect(e.getValue(), "", out, source);
            }
        }
    }

    private static String describe(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }

    private IllegalArgumentException bad(String what) {
        return new IllegalArgumentException(source + ": " + what + " (at byte " + in.position() + ")");
    }

    private Object load() {
        while (true) {
            if (!in.hasRemaining()) {
                throw bad("pickle ended without STOP");
            }
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80 -> in.get();                                  // PROTO
                case 0x95 -> in.getLong();                              // FRAME (protocol 4)
                case '.' -> {                                           // STOP
                    return pop();
                }
                case '(' -> stack.push(MARK);
                case '}' -> stack.push(new LinkedHashMap<Object, Object>());
                case ']' -> stack.push(new ArrayList<>());
                case ')' -> stack.push(List.of());
                case 'N' -> stack.push(NONE);
                case 0x88 -> stack.push(Boolean.TRUE);
                case 0x89 -> stack.push(Boolean.FALSE);
                case 'K' -> stack.push((long) (in.get() & 0xff));       // BININT1
                case 'M' -> stack.push((long) (in.getShort() & 0xffff)); // BININT2
                case 'J' -> stack.push((long) in.getInt());             // BININT
                case 0x8a -> stack.push(readLong(in.get() & 0xff));     // LONG1
                case 0x8b -> stack.push(readLong(in.getInt()));         // LONG4
                case 'I' -> stack.push(parseIntLine(readLine()));       // INT (text)
                case 'L' -> stack.push(Long.parseLong(readLine().replace("L", "")));
                case 'G' -> stack.push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // BINFLOAT is big-endian
                case 'X' -> stack.push(readString(in.getInt()));        // BINUNICODE
                case 0x8c -> stack.push(readString(in.get() & 0xff));   // SHORT_BINUNICODE
                case 0x8d -> stack.push(readString(Math.toIntExact(in.getLong()))); // BINUNICODE8
                case 'T' -> stack.push(readString(in.getInt()));        // BINSTRING
                case 'U' -> stack.push(readString(in.get() & 0xff));    // SHORT_BINSTRING
                case 'B' -> stack.push(readBytes(in.getInt()));         // BINBYTES
                case 'C' -> stack.push(readBytes(in.get() & 0xff));     // SHORT_BINBYTES
                case 'q' -> memo.put(in.get() & 0xff, stack.peek());    // BINPUT
                case 'r' -> memo.put(in.getInt(), stack.peek());        // LONG_BINPUT
                case 0x94 -> memo.put(memo.size(), stack.peek());       // MEMOIZE
                case 'h' -> stack.push(memoGet(in.get() & 0xff));      // BINGET
                case 'j' -> stack.push(memoGet(in.getInt()));           // LONG_BINGET
                case 't' -> stack.push(List.copyOf(popToMark()));        // TUPLE
                case 0x85 -> stack.push(tupleOf(1));                    // TUPLE1
                case 0x86 -> stack.push(tupleOf(2));                    // TUPLE2
                case 0x87 -> stack.push(tupleOf(3));                    // TUPLE3
                case 'l' -> stack.push(new ArrayList<>(popToMark()));   // LIST
                case 'd' -> {                                           // DICT
                    List<Object> items = popToMark();
                    Map<Object, Object> m = new LinkedHashMap<>();
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        m.put(items.get(i), items.get(i + 1));
                    }
                    stack.push(m);
                }
                case 'a' -> {                                           // APPEND
                    Object v = pop();
                    asList(stack.peek()).add(v);
                }
                case 'e' -> {                                           // APPENDS
                    List<Object> items = popToMark();
                    asList(stack.peek()).addAll(items);
                }
                case 's' -> {                                           // SETITEM
                    Object v = pop();
                    Object k = pop();
                    asMap(stack.peek()).put(k, v);
                }
                case 'u' -> {                                           // SETITEMS
                    List<Object> items = popToMark();
                    Map<Object, Object> m = asMap(stack.peek());
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        m.put(items.get(i), items.get(i + 1));
                    }
                }
                case 'c' -> stack.push(new Global(readLine(), readLine())); // GLOBAL
                case 0x93 -> {                                          // STACK_GLOBAL
                    String name = (String) pop();
                    String module = (String) pop();
                    stack.push(new Global(module, name));
                }
                case 'Q' -> stack.push(persistentLoad(pop()));          // BINPERSID
                case 'R' -> {                                           // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    stack.push(reduce(callable, asTuple(args)));
                }
                case 0x81 -> {                                          // NEWOBJ
                    Object args = pop();
                    Object cls = pop();
                    stack.push(reduce(cls, asTuple(args)));
                }
                case 'b' -> pop();                                      // BUILD: object state (e.g. _metadata) is not needed
                default -> throw bad(String.format("unsupported pickle opcode 0x%02x", op));
            }
        }
    }

    /** Python None on the stack (a distinct object, since deques reject null). */
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private Object reduce(Object callable, List<Object> args) {
        if (!(callable instanceof Global g)) {
            throw bad("REDUCE of a non-global " + describe(callable));
        }
        return switch (g.full()) {
            case "collections.OrderedDict", "builtins.dict" -> new LinkedHashMap<Object, Object>();
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> rebuildTensor(args);
            case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> args.get(0);
            case "torch.nn.parameter.Parameter" -> args.isEmpty() ? NONE : args.get(0);
            case "torch._tensor._rebuild_from_type_v2" -> {
                // (func, type, args, state): rebuild with func(args)
                yield reduce(args.get(0), asTuple(args.get(2)));
            }
            default -> throw bad("refusing to call unknown global '" + g.full() + "' (not part of a plain state dict)");
        };
    }

    private TensorRef rebuildTensor(List<Object> args) {
        if (args.size() < 4 || !(args.get(0) instanceof StorageRef storage)) {
            throw bad("malformed _rebuild_tensor_v2 arguments");
        }
        return new TensorRef(storage, asLong(args.get(1)), longs(args.get(2)), longs(args.get(3)));
    }

    private Object persistentLoad(Object pid) {
        List<Object> t = asTuple(pid);
        if (t.size() < 3 || !"storage".equals(t.get(0))) {
            throw bad("unsupported persistent id " + t);
        }
        String typeName = t.get(1) instanceof Global g ? g.name() : String.valueOf(t.get(1));
        String dtype = STORAGE_DTYPES.get(typeName);
        if (dtype == null) {
            throw bad("unsupported storage type '" + typeName + "'");
        }
        return new StorageRef(String.valueOf(t.get(2)), dtype);
    }

    private Object memoGet(int key) {
        Object v = memo.get(key);
        if (v == null) {
            throw bad("memo key " + key + " was never stored");
        }
        return v;
    }

    private Object pop() {
        if (stack.isEmpty()) {
            throw bad("stack underflow");
        }
        Object v = stack.pop();
        if (v == MARK) {
            throw bad("unexpected MARK");
        }
        return v;
    }

    private List<Object> popToMark() {
        List<Object> items = new ArrayList<>();
        while (true) {
            if (stack.isEmpty()) {
                throw bad("no MARK on the stack");
            }
            Object v = stack.pop();
            if (v == MARK) {
                break;
            }
            items.add(0, v);
        }
        return items;
    }

    private List<Object> tupleOf(int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop();
        }
        return List.of(items);
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o) {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw bad("APPEND to a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw bad("SETITEM on a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private List<Object> asTuple(Object o) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw bad("expected a tuple, found " + describe(o));
    }

    private long asLong(Object o) {
        if (o instanceof Long l) {
            return l;
        }
        throw bad("expected an integer, found " + describe(o));
    }

    private long[] longs(Object o) {
        List<Object> l = asTuple(o);
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asLong(l.get(i));
        }
        return out;
    }

    private long readLong(int n) {
        byte[] b = new byte[n];
        in.get(b);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = b[n - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        if (v.bitLength() > 63) {
            throw bad("integer too large: " + v);
        }
        return v.longValue();
    }

    private static Object parseIntLine(String s) {
        return switch (s) {
            case "00" -> Boolean.FALSE;
            case "01" -> Boolean.TRUE;
            default -> Long.parseLong(s);
        };
    }

    private String readLine() {
        StringBuilder sb = new StringBuilder();
        while (true) {
            byte b = in.get();
            if (b == '\n') {
                return sb.toString();
            }
            sb.append((char) (b & 0xff));
        }
    }

    private String readString(int len) {
        byte[] b = readBytes(len);
        return new String(b, StandardCharsets.UTF_8);
    }

    private byte[] readBytes(int len) {
        if (len < 0 || len > in.remaining()) {
            throw bad("string of " + len + " bytes runs past the end");
        }
        byte[] b = new byte[len];
        in.get(b);
        return b;
    }
}
