// Claims and headers are `JSONValue`s from the shared JSON module; users of JOSE get it too.
@_exported import JSON
