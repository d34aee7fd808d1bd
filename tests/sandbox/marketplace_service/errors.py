"""The service's two error shapes (see docs/marketplace-api.md, section 2), raised as exceptions."""

from flask import jsonify


class ApiError(Exception):
    """``{"message", "statusCode", "translateCode": "CO<status>_<WORD>", "translateParameters"}``."""

    def __init__(self, status, word, message, params=(), extra=None, headers=None):
        super().__init__(message)
        self.status = status
        self.body = {"message": message, "statusCode": status, "translateCode": "CO%d_%s" % (status, word),
                     "translateParameters": [str(param) for param in params]}
        self.body.update(extra or {})
        self.headers = headers or {}

    def response(self):
        response = jsonify(self.body)
        response.status_code = self.status
        response.headers.update(self.headers)
        return response


def not_found(what, ident):
    """404 for an unknown *or invisible* object (the same answer, so existence does not leak)."""
    return ApiError(404, "%s_NOT_FOUND" % what.upper().replace(" ", "_"), "%s not found" % what.capitalize(),
                    [ident])


class Problems:
    """Collects schema problems; ``raise_if_any`` raises them all as one 400 ``jsonSchemaValidation`` body."""

    def __init__(self, location="body"):
        self.location = location
        self.items = []

    def add(self, prop, message, value=None):
        self.items.append({"property": prop, "messages": [message], "value": value})

    def raise_if_any(self):
        if self.items:
            raise ValidationFailed(self.location, self.items)


class ValidationFailed(Exception):
    def __init__(self, location, items):
        super().__init__("validation failed")
        self.location = location
        self.items = items

    def response(self):
        response = jsonify({"statusText": "Bad Request", "jsonSchemaValidation": True,
                            "validations": {self.location: self.items}})
        response.status_code = 400
        return response
