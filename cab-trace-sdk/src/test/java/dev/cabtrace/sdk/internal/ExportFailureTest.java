package dev.cabtrace.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.Status;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExportFailureTest {

  @Test
  void readsTheMessageOfAStatusAsProtobufWritesIt() {
    Status status = Status.newBuilder().setCode(8).setMessage("quota exceeded: 3 of 2 — retry later")
        .addDetails(Any.newBuilder().setTypeUrl("type.googleapis.com/google.rpc.RetryInfo")
            .setValue(ByteString.copyFrom(new byte[] {10, 2, 8, 30})))
        .build();

    assertThat(ExportFailure.statusMessage(status.toByteArray())).isEqualTo("quota exceeded: 3 of 2 — retry later");
    assertThat(ExportFailure.statusMessage(Status.newBuilder().setCode(3).build().toByteArray())).isEmpty();
  }

  @Test
  void bytesThatAreNoStatusHaveNoMessage() {
    byte[] status = Status.newBuilder().setCode(3).setMessage("span too old").build().toByteArray();

    assertThat(ExportFailure.statusMessage(Arrays.copyOf(status, status.length - 3))).as("cut off").isNull();
    assertThat(ExportFailure.statusMessage(new byte[] {(byte) 0x80})).as("a varint cut off").isNull();
    assertThat(ExportFailure.statusMessage(new byte[] {0x0B, 0x0C})).as("a group").isNull();
    assertThat(ExportFailure.statusMessage(new byte[] {0x12, 0x02, (byte) 0xC3, 0x28})).as("not UTF-8").isNull();
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      byte[] noise = new byte[random.nextInt(40)];
      random.nextBytes(noise);
      ExportFailure.statusMessage(noise); // never throws, whatever the bytes
    }
  }
}
