package org.resnetspark.pytorch;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.resnetspark.data.BadInputException;

/**
 * PyTorch's two checkpoint formats, read and written with the razorvine pickle library:
 * <ul>
 * <li>the zip format of {@code torch.save} since PyTorch 1.6: {@code <name>/data.pkl}, whose
 * persistent ids {@code ('storage', torch.FloatStorage, key, location, numel)} name the raw
 * little-endian storages {@code <name>/data/<key>}, and {@code <name>/version};
 * <li>the legacy format before it ({@code _use_new_zipfile_serialization=False}): five pickles in
 * a row (magic number, protocol version, system info, the object with persistent ids
 * {@code ('storage', type, key, location, numel, view)}, the storage keys in file order), then each
 * storage as an int64 element count and its bytes.
 * </ul>
 * Tensors come back from {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)}.
 */
public final class TorchCheckpoint {

    /** The first pickle of a legacy file. */
    private static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    private static final int LEGACY_PROTOCOL = 1001;

    private TorchCheckpoint() {
    }

    /**
     * The state dict in a checkpoint: the file's top-level dict, or the dict under its
     * {@code state_dict} key; a {@code module.} prefix on every key (a saved {@code DataParallel}) is removed.
     */
    public static Map<String, TorchTensor> readStateDict(Path file) {
        Object top = read(file);
        Object dict = top instanceof Map<?, ?> map && map.get("state_dict") instanceof Map<?, ?> inner ? inner : top;
        if (!(dict instanceof Map<?, ?> entries)) {
            throw new BadInputException(file + " holds a " + typeName(top) + ", not a state dict (a dict of tensors, "
                    + "or a dict with one under 'state_dict'). Save the model's state_dict().");
        }
        Map<String, TorchTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            if (!(entry.getValue() instanceof TorchTensor tensor)) {
                throw new BadInputException(file + ": state dict entry '" + entry.getKey() + "' is a "
                        + typeName(entry.getValue()) + ", not a tensor. Save the model's state_dict().");
            }
            tensors.put(String.valueOf(entry.getKey()), tensor);
        }
        boolean dataParallel = !tensors.isEmpty() && tensors.keySet().stream().allMatch(k -> k.startsWith("module."));
        if (!dataParallel) {
            return tensors;
        }
        Map<String, TorchTensor> stripped = new LinkedHashMap<>();
        tensors.forEach((key, tensor) -> stripped.put(key.substring("module.".length()), tensor));
        return stripped;
    }

    /** Whatever the checkpoint holds, with its tensors as {@link TorchTensor}s and dicts as maps. */
    public static Object read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            in.mark(4);
            byte[] head = in.readNBytes(4);
            in.reset();
            boolean zip = head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
            return zip ? readZip(file) : readLegacy(file, in);
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw new BadInputException(file + " is not a readable PyTorch checkpoint (torch.save's zip or legacy "
                    + "format): " + e.getMessage() + ". Give a file written by torch.save.", e);
        }
    }

    private static Object readZip(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pickle = zip.stream().filter(e -> e.getName().endsWith("/data.pkl")).findFirst()
                    .orElseThrow(() -> new IOException("the zip archive has no data.pkl"));
            String prefix = pickle.getName().substring(0, pickle.getName().length() - "data.pkl".length());
            Object top;
            try (InputStream in = zip.getInputStream(pickle)) {
                top = new TorchPickles.Reader(false).load(in);
            }
            Map<String, ByteBuffer> storages = new HashMap<>();
            for (TorchPickles.Storage storage : TorchPickles.storagesIn(top)) {
                ZipEntry entry = zip.getEntry(prefix + "data/" + storage.key());
                if (entry == null) {
                    throw new IOException("storage " + prefix + "data/" + storage.key() + " is missing");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    storages.put(storage.key(), ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN));
                }
            }
            return TorchPickles.resolve(top, storages);
        }
    }

    private static Object readLegacy(Path file, InputStream in) throws IOException {
        Object magic = new TorchPickles.Reader(true).load(in);
        if (!LEGACY_MAGIC.equals(magic instanceof Long l ? BigInteger.valueOf(l) : magic)) {
            throw new BadInputException(file + " is neither a zip archive nor a legacy PyTorch file (no magic number). "
                    + "Give a file written by torch.save.");
        }
        Object protocol = new TorchPickles.Reader(true).load(in);
        if (!(protocol instanceof Number n) || n.intValue() != LEGACY_PROTOCOL) {
            throw new BadInputException(file + ": unsupported legacy protocol version " + protocol);
        }
        Object systemInfo = new TorchPickles.Reader(true).load(in);
        if (systemInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
            throw new BadInputException(file + " was written on a big-endian machine; load and save it again there.");
        }
        Object top = new TorchPickles.Reader(true).load(in);
        Object keys = new TorchPickles.Reader(true).load(in);
        Map<String, TorchPickles.Storage> byKey = new HashMap<>();
        TorchPickles.storagesIn(top).forEach(s -> byKey.put(s.key(), s));
        Map<String, ByteBuffer> storages = new HashMap<>();
        DataInputStream data = new DataInputStream(in);
        for (Object key : (List<?>) keys) {
            TorchPickles.Storage storage = byKey.get(String.valueOf(key));
            if (storage == null) {
                throw new IOException("storage " + key + " is listed but never used");
            }
            long count = Long.reverseBytes(data.readLong());
            byte[] bytes = new byte[Math.toIntExact(count * storage.type().elementSize())];
            data.readFully(bytes);
            storages.put(storage.key(), ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
        }
        return TorchPickles.resolve(top, storages);
    }

    /**
     * Writes a state dict in the zip format of {@code torch.save} (PyTorch 1.6 and later), so that
     * {@code module.load_state_dict(torch.load(file))} loads it. Written whole, then renamed into place.
     */
    public static void writeStateDict(Path file, Map<String, TorchTensor> stateDict) throws IOException {
        // One storage per distinct tensor, named 0, 1, ... as torch.save names them.
        List<TorchTensor> storages = new ArrayList<>();
        Map<TorchTensor, String> keys = new java.util.IdentityHashMap<>();
        for (TorchTensor tensor : stateDict.values()) {
            if (!keys.containsKey(tensor)) {
                keys.put(tensor, String.valueOf(storages.size()));
                storages.add(tensor);
            }
        }
        byte[] pickle = TorchPickles.write(stateDict, keys);
        String archive = "archive/";
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(partial); ZipOutputStream zip = new ZipOutputStream(out)) {
            // PyTorch's reader takes the first entry's folder as the archive's name.
            stored(zip, archive + "data.pkl", pickle);
            for (int i = 0; i < storages.size(); i++) {
                stored(zip, archive + "data/" + i, TorchPickles.bytesOf(storages.get(i)));
            }
            stored(zip, archive + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** An uncompressed entry, as torch.save writes them. */
    private static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }

    private static String typeName(Object value) {
        return value == null ? "None" : value instanceof Map ? "dict" : value instanceof List ? "list"
                : value.getClass().getSimpleName();
    }
}
