package dev.cabtrace.sdk.proxy;

import java.util.ArrayList;
import java.util.List;

/** What one call's response said, gathered as it streams by; later reports win for counts. */
final class CallRecord {
  String responseModel;
  Long input;
  Long output;
  Long cacheRead;
  Long reasoning;
  final List<String> finishReasons = new ArrayList<>();
  /** An error the answer reported in its body (the first), or null. */
  String error;

  void model(String model) {
    if (model != null && !model.isEmpty()) {
      responseModel = model;
    }
  }

  void input(Long value) {
    if (value != null) {
      input = value;
    }
  }

  void output(Long value) {
    if (value != null) {
      output = value;
    }
  }

  void cacheRead(Long value) {
    if (value != null) {
      cacheRead = value;
    }
  }

  void reasoning(Long value) {
    if (value != null) {
      reasoning = value;
    }
  }

  /** Notes an error the answer reported: its type or code and its message, either may be null. */
  void error(String type, String message) {
    if (error == null && (type != null || message != null)) {
      error = type == null ? message : message == null ? type : type + ": " + message;
    }
  }

  void finishReasons(List<String> reasons) {
    for (String reason : reasons) {
      if (!reason.isEmpty() && !"null".equals(reason)) {
        finishReasons.add(reason);
      }
    }
  }
}
